import { describe, expect, it } from 'vitest';

import { activeFilterCount, filtersFromParams, viewFromParams, withFilters, withoutFilters } from './filters';

describe('filters in the address bar', () => {
  it('read what the API accepts and ignore the rest', () => {
    const params = new URLSearchParams('q=+sofa+&type=image&approval=approved&pinned=1&favorite=0&product=p-1&collection=c-1&sync=failed&trash=1&view=list');
    expect(filtersFromParams(params)).toEqual({
      q: 'sofa',
      type: 'image',
      approval: 'approved',
      pinned: true,
      favorite: false,
      product_id: 'p-1',
      collection_id: 'c-1',
      sync_status: 'failed',
      deleted: true,
    });
    expect(viewFromParams(params)).toBe('list');
    expect(filtersFromParams(new URLSearchParams('approval=maybe&sync=lost&pinned=yes'))).toEqual({});
    expect(viewFromParams(new URLSearchParams())).toBe('grid');
  });

  it('write changes, dropping empty values, and clear filters but keep the view and the trash', () => {
    const params = withFilters(new URLSearchParams('view=list&trash=1'), { approval: 'pending', product: 'p-1', q: '' });
    expect(params.toString()).toBe('view=list&trash=1&approval=pending&product=p-1');
    expect(activeFilterCount(filtersFromParams(params))).toBe(2);
    expect(withoutFilters(params).toString()).toBe('view=list&trash=1');
  });
});
