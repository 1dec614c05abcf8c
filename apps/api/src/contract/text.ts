export { lines } from '../platform/commands/command-declaration';

export const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const messageRef = (name: string) => ({ $ref: `#/components/messages/${name}` });
