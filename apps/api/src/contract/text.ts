/** Prose wrapped as it reads in the YAML (a literal block): one argument per line, '' between paragraphs. */
export const lines = (...text: string[]): string => `${text.join('\n')}\n`;

export const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const messageRef = (name: string) => ({ $ref: `#/components/messages/${name}` });
