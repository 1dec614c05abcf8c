/** Small input checks shared by deciders; commands may arrive from Kafka, not only from validated DTOs. */

export const isBlank = (value: string | undefined): boolean => value === undefined || value.trim() === '';

/** Values not in `known`, so an error can name exactly what was wrong. */
export const unknownValues = (values: readonly string[], known: readonly string[]): string[] =>
  values.filter((value) => !known.includes(value));
