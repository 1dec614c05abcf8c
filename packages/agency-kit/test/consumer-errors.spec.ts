import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { ApplyFailed } from '../src';
import { describe as describeError, transient } from '../src/consumer/consumer-errors';

describe('what stops a consumer and what it waits out', () => {
  it('waits out a broker that is away or restarting, even behind kafkajs wrappers', () => {
    expect(transient(new KafkaJSConnectionError('connect ECONNREFUSED'))).toBe(true);
    expect(transient(new KafkaJSNonRetriableError(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:19092') as unknown as Error))).toBe(true);
    expect(transient(Object.assign(new Error('Failed to find group coordinator'), { name: 'KafkaJSGroupCoordinatorNotFound' }))).toBe(true);
  });

  it('stops on what waiting does not fix: a denied ACL, a projection bug', () => {
    expect(transient(Object.assign(new KafkaJSProtocolError('Not authorized to access topics'), { retriable: false }))).toBe(false);
    expect(transient(new ApplyFailed({ topic: 't', partition: 0, offset: '7' }, 'e-1', 'no.samhandling.ContactRecorded.v1', new Error('bug')))).toBe(false);
  });

  it('logs a database error by its code only: its message may quote the values', () => {
    const dbError = Object.assign(new Error('Key (name)=(Amina Haile) already exists'), { code: '23505', routine: '_bt_check_unique' });
    const line = describeError(new ApplyFailed({ topic: 't', partition: 1, offset: '9' }, 'e-2', 'no.samhandling.ContactRecorded.v1', dbError));
    expect(line).toBe('apply failed on no.samhandling.ContactRecorded.v1 e-2 (t/1@9): Error code=23505 routine=_bt_check_unique');
  });
});
