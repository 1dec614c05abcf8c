import { errorSummary } from './error-summary';

describe('errorSummary', () => {
  it('keeps a database error to its class and SQLSTATE, never its message', () => {
    const error = Object.assign(new Error('invalid input syntax for type uuid: "Amina Haile 01019012345"'), { name: 'error', code: '22P02', routine: 'string_to_uuid' });
    expect(errorSummary(error)).toBe('error code=22P02 routine=string_to_uuid');
  });
  it('keeps the message of other errors', () => {
    expect(errorSummary(new TypeError('broker unreachable'))).toBe('TypeError: broker unreachable');
    expect(errorSummary('x')).toBe('string');
  });
});
