import { describe, expect, it } from 'vitest';

import { formErrors, NETWORK_ERROR_MESSAGE, parseError } from './problem';

const validationProblem = {
  type: 'https://docs.epox.app/problems/validation_error',
  title: 'Validation failed',
  status: 422,
  detail: 'Validation failed',
  code: 'validation_error',
  errors: [
    { field: 'body.email', message: 'value is not a valid email address', type: 'value_error' },
    { field: 'password', message: 'Value error, Password must be at least 8 characters', type: 'value_error' },
    { field: 'body.password', message: 'a second message for the same field', type: 'value_error' },
  ],
};

describe('parseError', () => {
  it('maps a 422 problem to field errors, stripping the leading "body."', () => {
    const parsed = parseError(validationProblem);
    expect(parsed.status).toBe(422);
    expect(parsed.code).toBe('validation_error');
    expect(parsed.fieldErrors).toEqual({
      email: 'value is not a valid email address',
      password: 'Password must be at least 8 characters',
    });
  });

  it('keeps nested paths after "body."', () => {
    const parsed = parseError({ ...validationProblem, errors: [{ field: 'body.settings.aspect_ratio', message: 'bad' }] });
    expect(parsed.fieldErrors).toEqual({ 'settings.aspect_ratio': 'bad' });
  });

  it('uses the detail of a 402 and keeps required/available on the problem', () => {
    const parsed = parseError({
      type: 'https://docs.epox.app/problems/insufficient_credits',
      title: 'Insufficient credits',
      status: 402,
      detail: 'You need 8 credits, you have 3.',
      code: 'insufficient_credits',
      required: 8,
      available: 3,
    });
    expect(parsed).toMatchObject({ status: 402, code: 'insufficient_credits', message: 'You need 8 credits, you have 3.' });
    expect(parsed.problem?.required).toBe(8);
    expect(parsed.problem?.available).toBe(3);
    expect(parsed.fieldErrors).toEqual({});
  });

  it('builds a 402 message from required/available when there is no detail', () => {
    const parsed = parseError({ status: 402, title: 'Insufficient credits', required: 8, available: 3 });
    expect(parsed.message).toBe('You need 8 credits, you have 3. Buy credits or change your plan.');
  });

  it('turns a network failure (fetch TypeError) into a connection message', () => {
    const parsed = parseError(new TypeError('Failed to fetch'));
    expect(parsed).toEqual({
      status: 0,
      code: 'network_error',
      message: NETWORK_ERROR_MESSAGE,
      fieldErrors: {},
      problem: null,
    });
  });

  it('never shows server internals for a 500 without a useful detail', () => {
    expect(parseError({ status: 500, title: 'Internal server error', detail: '' }).message).toMatch(/something went wrong/i);
  });

  it('falls back to a generic message for anything else', () => {
    expect(parseError('boom').code).toBe('unknown_error');
    expect(parseError(undefined).status).toBe(0);
  });
});

describe('formErrors', () => {
  it('puts known fields next to their field and leaves no general line', () => {
    const result = formErrors(validationProblem, ['email', 'password'] as const);
    expect(result.fields.email).toBe('value is not a valid email address');
    expect(result.general).toBeNull();
  });

  it('folds errors for fields the form does not show into the general line', () => {
    const result = formErrors(validationProblem, ['email'] as const);
    expect(result.fields).toEqual({ email: 'value is not a valid email address' });
    expect(result.general).toBe('Password must be at least 8 characters');
  });

  it('uses the problem message when no field explains the failure', () => {
    const result = formErrors({ status: 409, title: 'Conflict', detail: 'That email is already registered.' }, ['email']);
    expect(result).toEqual({ fields: {}, general: 'That email is already registered.' });
  });

  it('is empty without an error', () => {
    expect(formErrors(null, ['email'])).toEqual({ fields: {}, general: null });
  });
});
