import { Logger } from '@nestjs/common';

/** Log lines by Nest logger context, whatever the application's logger prints. */
export function captureLogs() {
  const lines: Array<{ level: string; context?: string; message: string }> = [];
  const spies = (['log', 'warn', 'error'] as const).map((level) =>
    jest.spyOn(Logger.prototype, level).mockImplementation(function (this: Logger, ...args: unknown[]) {
      lines.push({ level, context: (this as unknown as { context?: string }).context, message: String(args[0]) });
    }),
  );
  return { lines, restore: () => spies.forEach((s) => s.mockRestore()) };
}
