/** Configuration shared by the apps: the agency directory, the platform settings, the Kafka settings. */
export * from './agency-directory';
export * from './platform-config';
export * from './env';
export * from './kafka-settings';
