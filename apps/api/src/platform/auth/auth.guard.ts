import { CanActivate, ExecutionContext, Injectable, ServiceUnavailableException, SetMetadata, UnauthorizedException, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { IdentityProviderUnavailableError, InvalidTokenError, TokenVerifier, type Caller } from './token-verifier';

const PUBLIC = 'samhandling:public';
/** Marks a route as open to unauthenticated callers (health, docs). Everything else is closed. */
export const Public = () => SetMetadata(PUBLIC, true);

type AuthenticatedRequest = Request & { caller?: Caller };

/** Global guard: every route needs a valid bearer token naming a known agency, unless @Public. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new UnauthorizedException({ error: 'AUTH.MISSING_TOKEN', message: 'Send Authorization: Bearer <token> naming your agency' });
    try {
      request.caller = await this.verifier.verify(match[1]);
      return true;
    } catch (error) {
      if (error instanceof InvalidTokenError) throw new UnauthorizedException({ error: 'AUTH.INVALID_TOKEN', message: error.message });
      if (error instanceof IdentityProviderUnavailableError) throw new ServiceUnavailableException({ error: 'AUTH.IDP_UNAVAILABLE', message: error.message });
      throw error;
    }
  }
}

/** The authenticated caller of this request (set by AuthGuard). */
export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext): Caller => {
  const caller = context.switchToHttp().getRequest<AuthenticatedRequest>().caller;
  if (!caller) throw new UnauthorizedException({ error: 'AUTH.MISSING_TOKEN', message: 'Not authenticated' });
  return caller;
});
