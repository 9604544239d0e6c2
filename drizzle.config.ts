import { defineConfig } from 'drizzle-kit';

// migrate() in api/src/db/migrate.ts reads the same folder.
export default defineConfig({
  dialect: 'postgresql',
  schema: './api/src/db/schema.ts',
  out: './migrations',
});
