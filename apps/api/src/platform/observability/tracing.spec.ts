import { trace, context, propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { startTracing } from '@samhandling/observability';
import { ApiHarness, consentBody, contactBody } from '../../testing/api-harness';

/**
 * Traces across HTTP → command → append → relay (→ Kafka), exported to memory: the relay's
 * delivery continues the trace of the request that appended the event.
 */
describe('OpenTelemetry traces', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let api: ApiHarness;

  beforeAll(async () => {
    provider.register({ propagator: new W3CTraceContextPropagator() });
    api = await ApiHarness.start({ relayInProcess: true });
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

  it('links one request\'s spans, from HTTP to the relay\'s delivery, with no personal data in them', async () => {
    const subjectId = await api.registerSubject({ givenName: 'Traceable', familyName: 'Person' }, 'oslo-health');
    expect((await api.post(`/subjects/${subjectId}/consents`, consentBody({ recipients: [{ agency: 'oslo-refugee' }], categories: ['health', 'contact_log'], purposes: ['follow_up'] }), { as: 'oslo-health' })).status).toBe(201);
    exporter.reset();
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const contact = await api.post(`/subjects/${subjectId}/contacts`, contactBody({ categories: ['contact_log', 'health'], summary: 'secret summary' }), {
      as: 'oslo-health', headers: { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` },
    });
    expect(contact.status).toBe(201);

    const deadline = Date.now() + 20_000;
    while (!exporter.getFinishedSpans().some((s) => s.name === 'relay.deliver' && s.spanContext().traceId === callerTrace)) {
      if (Date.now() > deadline) throw new Error(`no relay.deliver span in the caller's trace; spans: ${exporter.getFinishedSpans().map((s) => s.name).join(', ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === callerTrace);
    const http = spans.find((s) => s.name === 'POST /subjects/:subjectId/contacts')!;
    const command = spans.find((s) => s.name === 'command RecordContact')!;
    const append = spans.find((s) => s.name === 'eventstore.append')!;
    const deliver = spans.find((s) => s.name === 'relay.deliver')!;
    expect(http).toBeDefined();
    expect(parentOf(http)).toBe('00f067aa0ba902b7'); // continues the caller's trace
    expect(http.attributes).toMatchObject({ 'http.route': '/subjects/:subjectId/contacts', 'http.response.status_code': 201 });
    expect(command).toBeDefined();
    expect(parentOf(command)).toBe(http.spanContext().spanId);
    expect(parentOf(append)).toBe(command.spanContext().spanId);
    expect(parentOf(deliver)).toBe(command.spanContext().spanId);
    expect(deliver.attributes).toMatchObject({ 'samhandling.deliveries': expect.any(Number), 'messaging.system': 'feed' });

    const everything = JSON.stringify(spans.map((s) => ({ name: s.name, attributes: s.attributes })));
    for (const personal of [subjectId, 'Traceable', 'secret summary']) expect(everything).not.toContain(personal);
  }, 60_000);

  it('is off by default and refuses an exporter it does not know', () => {
    expect(startTracing('samhandling-api', {})).toBeUndefined();
    expect(startTracing('samhandling-api', { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBeUndefined();
    expect(() => startTracing('samhandling-api', { OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/otlp or none/);
  });
});
