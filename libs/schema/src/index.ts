/** @samhandling/schema: the one ordered list of migrations for the whole database schema. */
export { SCHEMA_MIGRATIONS, LATEST_SCHEMA_VERSION } from './schema-migrations';
