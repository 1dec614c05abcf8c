export { PERSONAL_FIELDS } from './personal-fields';
export { SEALED_PREFIX, DATA_KEY_BYTES, isSealed, seal, open, parseSealed, type SealedField } from './sealed-field';
export { SqlKeyStore, dataKeysDdl, dataKeysMigration, keysSchema, type KeyStore } from './key-store';
export { PersonalDataCodec, type StreamSubject } from './personal-data-codec';
