import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { refuseHostileInput } from './hostile-input';

/**
 * The one validation pipe of HTTP and the Kafka inbox. Before class-validator sees a body, query or
 * parameter, it refuses what no DTO rule is about and what would otherwise fail later as a 500:
 * text PostgreSQL cannot store, prototype keys, and nesting deep enough to overflow
 * class-transformer's recursion. Values of custom decorators (the caller, the command context) are
 * built by this service, not sent, and pass unchecked.
 */
export class SafeValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') refuseHostileInput(value, metadata.type === 'body' ? undefined : metadata.data);
    return super.transform(value, metadata);
  }
}
