export { Metrics, basisLabel, type RelayLagSource } from './metrics';
