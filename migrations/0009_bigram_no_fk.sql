ALTER TABLE "name_bigram" DROP CONSTRAINT "name_bigram_subject_id_subject_id_fk";
