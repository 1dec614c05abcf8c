export * from './topics';
export * from './cloud-event';
export * from './kafka-client';
export * from './relay';
