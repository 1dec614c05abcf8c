/**
 * The relay's delivery step: a batch's deliveries handed to each sink in turn, each event's under a
 * producer span that continues the trace the event was appended in.
 */
import type { Span } from '@opentelemetry/api';
import type { DisclosureChannel } from '@samhandling/audit';
import { errorSummary, type RecordedEvent } from '@samhandling/event-store';
import { activeTraceparent, contextFromTraceparent, SpanKind, trace, tracer } from '@samhandling/observability';
import type { BatchPlan } from './batch-plan';
import type { Delivery } from './feed-store';
import type { DeliverySink } from './kafka-sink';

/** Each delivery starts with the trace its event was appended in (kept in the event's metadata). */
export function carryEventTraces(events: RecordedEvent[], plan: BatchPlan): void {
  const traces = new Map(events.map((e) => [e.id, (e.metadata as { traceparent?: unknown }).traceparent]));
  for (const d of plan.deliveries) {
    const traceparent = traces.get(d.eventId);
    if (typeof traceparent === 'string') d.traceparent = traceparent;
  }
}

export async function deliverBatch(plan: BatchPlan, sinks: readonly DeliverySink[], channel: DisclosureChannel, log: (text: string) => void): Promise<void> {
  if (plan.deliveries.length === 0) return;
  const spans = deliverySpans(plan, channel);
  try {
    await deliverToSinks(plan, sinks, log);
  } finally {
    for (const span of spans) span.end();
  }
}

/**
 * One producer span per event delivered, continuing the trace its command ran in (the
 * traceparent kept in the event's metadata): HTTP → command → append → relay → Kafka in one
 * trace. Each delivery carries its span's context to Kafka as the `traceparent` header.
 */
function deliverySpans(plan: BatchPlan, channel: DisclosureChannel): Span[] {
  const byEvent = new Map<string, Delivery[]>();
  for (const d of plan.deliveries) byEvent.set(d.eventId, [...(byEvent.get(d.eventId) ?? []), d]);
  const spans: Span[] = [];
  for (const [, deliveries] of byEvent) {
    const origin = deliveries[0].traceparent;
    if (!origin) continue;
    const span = tracer().startSpan('relay.deliver', { kind: SpanKind.PRODUCER, attributes: { 'samhandling.deliveries': deliveries.length, 'samhandling.position': deliveries[0].position, 'messaging.system': channel } }, contextFromTraceparent(origin));
    const traceparent = activeTraceparent(trace.setSpan(contextFromTraceparent(origin), span));
    for (const d of deliveries) d.traceparent = traceparent;
    spans.push(span);
  }
  return spans;
}

async function deliverToSinks(plan: BatchPlan, sinks: readonly DeliverySink[], log: (text: string) => void): Promise<void> {
  for (const sink of sinks) {
    try {
      await sink.deliver(plan.deliveries);
    } catch (error) {
      await sink.recover?.().catch((e) => log(`${sink.name} did not recover yet: ${message(e)}`));
      throw new Error(`${sink.name}: ${message(error)}`);
    }
  }
}

// Driver messages can quote statement values (personal data): log their code only.
const message = errorSummary;
