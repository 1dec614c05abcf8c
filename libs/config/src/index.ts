/** Configuration shared by the apps: the agency directory and the platform settings. */
export * from './agency-directory';
export * from './platform-config';
export * from './env';
