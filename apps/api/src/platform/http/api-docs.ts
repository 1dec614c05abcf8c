import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiHeader, ApiNotFoundResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';

/** The responses every command endpoint shares, for the OpenAPI document. */
export const CommandEndpoint = (summary: string) =>
  applyDecorators(
    ApiBearerAuth(),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A retry with the same key returns the first result and appends nothing' }),
    ApiHeader({ name: 'If-Match', required: false, description: 'Stream revision the command was decided on (the ETag of the last response); a stale one gets 409 and appends nothing' }),
    ApiCreatedResponse({ description: `${summary}: events appended; body names stream, revision, global position and event ids` }),
    ApiBadRequestResponse({ description: 'Invalid input (field errors listed) or a coded domain rule' }),
    ApiUnauthorizedResponse({ description: 'Missing or invalid bearer token' }),
    ApiForbiddenResponse({ description: 'The calling agency may not issue this command' }),
    ApiNotFoundResponse({ description: 'Unknown subject, referral, consent or agency' }),
    ApiConflictResponse({ description: 'Illegal in the current state, or a concurrent change' }),
  );
