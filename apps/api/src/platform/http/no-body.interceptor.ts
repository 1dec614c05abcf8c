import { BadRequestException, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { Request } from 'express';
import type { Observable } from 'rxjs';

/**
 * Refuses a body sent to an endpoint that takes none (every GET, POST .../acknowledgement): it would
 * be ignored, and a caller who thinks it said something must hear that it did not. An endpoint
 * takes a body when its handler has a `@Body()` parameter.
 */
@Injectable()
export class NoBodyInterceptor implements NestInterceptor {
  private readonly takesBody = new WeakMap<object, boolean>();

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http' && !this.handlerTakesBody(context) && hasBody(context.switchToHttp().getRequest<Request>())) {
      throw new BadRequestException({ error: 'REQUEST.BODY_NOT_ALLOWED', message: `${context.switchToHttp().getRequest<Request>().method} on this path takes no request body` });
    }
    return next.handle();
  }

  private handlerTakesBody(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    let takes = this.takesBody.get(handler);
    if (takes === undefined) {
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {}) as Record<string, unknown>;
      takes = Object.keys(args).some((key) => key.startsWith(`${RouteParamtypes.BODY}:`) || key.startsWith(`${RouteParamtypes.RAW_BODY}:`));
      this.takesBody.set(handler, takes);
    }
    return takes;
  }
}

/**
 * Something was said: a parsed JSON body other than `{}` (which many clients send by habit and
 * which says nothing), or an unparsed one (another media type) announced by a non-zero
 * Content-Length or chunked transfer.
 */
function hasBody(request: Request): boolean {
  const body: unknown = request.body;
  if (body !== undefined && body !== null) return !(typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0);
  const length = request.headers['content-length'];
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
}
