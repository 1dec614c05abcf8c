import 'reflect-metadata';
import { Body, Controller, Inject, Param, ParseUUIDPipe, Post, Res, type Type } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { pathParams, type CommandDeclaration } from '../commands/command-declaration';
import type { CommandContext, CommandResult } from '../commands/handle-command';
import { CommandEndpoint } from './api-docs';
import { CommandCtx } from './command-context';
import { respond } from './respond';

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The HTTP routes of one tag's commands, made from their declarations: a controller whose
 * every route validates its URL ids (UUIDs) and body DTO, builds the bus message and answers
 * 201 (or 200 for a replay) with ETag, exactly as a hand-written controller would, and carries the
 * OpenAPI operation the declaration describes.
 */
export function commandController(tag: string, declarations: readonly CommandDeclaration[]): Type<unknown> {
  class CommandRoutes {
    constructor(readonly bus: CommandBus) {}
  }
  Object.defineProperty(CommandRoutes, 'name', { value: `${capitalised(tag)}CommandRoutes` });
  Inject(CommandBus)(CommandRoutes, undefined, 0);
  for (const declaration of declarations) route(CommandRoutes.prototype, declaration);
  ApiTags(tag)(CommandRoutes);
  Controller()(CommandRoutes);
  return CommandRoutes;
}

function route(prototype: object, d: CommandDeclaration): void {
  const ids = pathParams(d.path);
  const body = d.dto ? ids.length : -1;
  const ctxAt = ids.length + (d.dto ? 1 : 0);
  async function handler(this: { bus: CommandBus }, ...args: unknown[]): Promise<CommandResult> {
    const params = Object.fromEntries(ids.map((id, i) => [id, args[i] as string]));
    const message = d.build((body >= 0 ? args[body] : {}) as object, params, args[ctxAt] as CommandContext);
    return respond(args[ctxAt + 1] as Response, await this.bus.execute<typeof message, CommandResult>(message));
  }
  // Named as the method: Nest and the no-body check look its parameters up by that name.
  Object.defineProperty(handler, 'name', { value: d.operation });
  Object.defineProperty(prototype, d.operation, { value: handler, writable: true, configurable: true });
  // Parameter decorators, last parameter first, as TypeScript applies them.
  Res({ passthrough: true })(prototype, d.operation, ctxAt + 1);
  CommandCtx()(prototype, d.operation, ctxAt);
  if (d.dto) Body()(prototype, d.operation, body);
  for (let i = ids.length - 1; i >= 0; i--) Param(ids[i], ParseUUIDPipe)(prototype, d.operation, i);
  // What the validation pipe and the OpenAPI explorer read of a method's parameter types.
  Reflect.defineMetadata('design:paramtypes', [...ids.map(() => String), ...(d.dto ? [d.dto] : []), Object, Object], prototype, d.operation);
  const descriptor = Object.getOwnPropertyDescriptor(prototype, d.operation)!;
  const operation = { operationId: `${capitalised(d.tag)}Controller_${d.operation}`, summary: d.summary, ...(d.description ? { description: d.description } : {}) };
  // Method decorators, bottom first, as they stood on the hand-written controllers.
  for (const decorate of [CommandEndpoint(d.produces[0]), ApiOperation(operation), Post(d.path)]) decorate(prototype, d.operation, descriptor);
}
