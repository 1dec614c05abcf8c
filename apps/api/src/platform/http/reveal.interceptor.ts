import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { PersonalDataCodec } from '@samhandling/privacy';
import { from, mergeMap, type Observable } from 'rxjs';
import { PERSONAL_DATA } from '../store/store.module';

/**
 * Opens the sealed personal fields of every response body (libs/privacy), as the last step of
 * a request: the handler has already applied the policy — what it returns is what the caller may
 * see — so this is where personal data is decrypted, and nowhere before. A field of an erased person
 * reads as null. Responses a handler writes itself (the audit export) hold no sealed field.
 */
@Injectable()
export class RevealInterceptor implements NestInterceptor {
  constructor(@Inject(PERSONAL_DATA) private readonly personalData: PersonalDataCodec) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(mergeMap((body: unknown) => from(this.personalData.reveal(body))));
  }
}
