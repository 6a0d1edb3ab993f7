/**
 * Turns whatever a generated sdk call threw into something a form or page can show.
 *
 * The API answers every error as RFC 9457 problem+json: `{type, title, status, detail, code}` plus `errors` (one
 * per field) on 422 and `required`/`available` on 402. The client throws that parsed body; a failed network call
 * throws a TypeError instead.
 */

export interface FieldProblem {
  field: string;
  message: string;
}

export interface ProblemDetails {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  errors?: FieldProblem[] | null;
  [extra: string]: unknown;
}

export interface ParsedError {
  /** HTTP status; 0 when the request never got an answer. */
  status: number;
  /** The problem's machine code (`validation_error`, `insufficient_credits`, `network_error`, ...). */
  code: string;
  /** One sentence for a person: what happened (and, where we know, what to do). */
  message: string;
  /** Field path (`email`, `settings.aspect_ratio`) → message. */
  fieldErrors: Record<string, string>;
  /** The problem body, when there was one. */
  problem: ProblemDetails | null;
}

export const NETWORK_ERROR_MESSAGE = "We couldn't reach Epox. Check your connection and try again.";
export const FALLBACK_ERROR_MESSAGE = 'Something went wrong on our side. Please try again in a moment.';

const STATUS_MESSAGES: Record<number, string> = {
  401: 'Please sign in to continue.',
  403: "You don't have permission to do that.",
  404: "We couldn't find what you were looking for.",
  409: 'That conflicts with the current state. Refresh and try again.',
  413: 'That file is too large.',
  422: 'Some fields need your attention.',
  429: 'Too many attempts. Wait a moment and try again.',
};

export function isProblem(value: unknown): value is ProblemDetails {
  return typeof value === 'object' && value !== null && typeof (value as { status?: unknown }).status === 'number';
}

/** `body.email` → `email`; `["body", "email"]`-style dotted paths from FastAPI keep their tail. */
export function normalizeFieldPath(field: string): string {
  return field.replace(/^body\./, '');
}

/** Pydantic prefixes messages of custom validators with "Value error, "; a person does not need that. */
function cleanMessage(message: string): string {
  return message.replace(/^(Value|Assertion) error,\s*/i, '');
}

function fieldErrorsOf(problem: ProblemDetails): Record<string, string> {
  const result: Record<string, string> = {};
  if (!Array.isArray(problem.errors)) return result;
  for (const item of problem.errors) {
    if (typeof item !== 'object' || item === null) continue;
    const field = typeof item.field === 'string' ? normalizeFieldPath(item.field) : '';
    const message = typeof item.message === 'string' ? cleanMessage(item.message) : '';
    // Keep the first message per field: it is usually the most basic one ("required" before "too short").
    if (message && !(field in result)) result[field] = message;
  }
  return result;
}

function messageOf(problem: ProblemDetails): string {
  if (problem.status === 402) {
    const { required, available } = problem;
    if (problem.detail) return problem.detail;
    if (typeof required === 'number' && typeof available === 'number') {
      return `You need ${required} credits, you have ${available}. Buy credits or change your plan.`;
    }
  }
  if (problem.detail) return problem.detail;
  if (problem.status >= 500) return FALLBACK_ERROR_MESSAGE;
  return STATUS_MESSAGES[problem.status] ?? problem.title ?? FALLBACK_ERROR_MESSAGE;
}

function isNetworkError(error: unknown): boolean {
  return (
    error instanceof TypeError ||
    (error instanceof Error && /network|failed to fetch|load failed/i.test(error.message))
  );
}

export function parseError(error: unknown): ParsedError {
  if (isProblem(error)) {
    return {
      status: error.status,
      code: typeof error.code === 'string' ? error.code : 'error',
      message: messageOf(error),
      fieldErrors: fieldErrorsOf(error),
      problem: error,
    };
  }
  if (isNetworkError(error)) {
    return { status: 0, code: 'network_error', message: NETWORK_ERROR_MESSAGE, fieldErrors: {}, problem: null };
  }
  return { status: 0, code: 'unknown_error', message: FALLBACK_ERROR_MESSAGE, fieldErrors: {}, problem: null };
}

export function errorStatus(error: unknown): number {
  return isProblem(error) ? error.status : 0;
}

export interface FormErrors<F extends string> {
  /** Messages to show next to the form's own fields. */
  fields: Partial<Record<F, string>>;
  /** The line to show above the submit button, when no field of the form explains the failure. */
  general: string | null;
}

/**
 * Splits a failure between the form's fields and one general line. Field errors for fields the form does not
 * show (or without a field) are folded into the general line so nothing the server said is lost.
 */
export function formErrors<F extends string>(error: unknown, fields: readonly F[]): FormErrors<F> {
  if (error === null || error === undefined) return { fields: {}, general: null };
  const parsed = parseError(error);
  const known = new Set<string>(fields);
  const result: Partial<Record<F, string>> = {};
  const leftovers: string[] = [];
  for (const [field, message] of Object.entries(parsed.fieldErrors)) {
    if (known.has(field)) result[field as F] = message;
    else leftovers.push(message);
  }
  const matched = Object.keys(result).length > 0;
  let general: string | null = null;
  if (leftovers.length > 0) general = leftovers.join(' ');
  else if (!matched) general = parsed.message;
  return { fields: result, general };
}
