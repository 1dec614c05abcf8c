export * from './disclosure';
export * from './canonical-json';
export { DisclosureLog, type ChainedDisclosure, type ChainVerification } from './disclosure-log';
