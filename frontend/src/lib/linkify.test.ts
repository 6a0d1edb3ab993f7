import { describe, expect, it } from 'vitest';

import { linkify } from './linkify';
import { safeNext } from './redirect';

describe('linkify', () => {
  it('splits text and links, leaving sentence punctuation outside the link', () => {
    expect(linkify('Open http://localhost:5173/verify-email?token=abc. Thanks')).toEqual([
      { kind: 'text', text: 'Open ' },
      { kind: 'link', href: 'http://localhost:5173/verify-email?token=abc' },
      { kind: 'text', text: '. Thanks' },
    ]);
  });

  it('returns plain text untouched', () => {
    expect(linkify('no links here')).toEqual([{ kind: 'text', text: 'no links here' }]);
  });
});

describe('safeNext', () => {
  it('accepts same-site paths and rejects anything that leaves the site', () => {
    expect(safeNext('/settings/members?x=1')).toBe('/settings/members?x=1');
    expect(safeNext('//evil.test')).toBe('/');
    expect(safeNext('https://evil.test')).toBe('/');
    expect(safeNext('/\\evil.test')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });
});
