import { describe, expect, it } from 'vitest';
import { abilities, home } from './roles';

describe('abilities', () => {
  it('follows the server default policies', () => {
    expect(abilities('ANNOTATOR')).toMatchObject({ tasks: true, annotate: true, review: false, datasets: false, models: false });
    expect(abilities('REVIEWER')).toMatchObject({ tasks: true, annotate: false, review: true, datasets: false, models: false });
    expect(abilities('VIEWER')).toMatchObject({ tasks: true, review: false, datasets: true, models: true, write: false });
    expect(abilities('PARTNER')).toMatchObject({ tasks: false, datasets: true, models: false });
    expect(abilities('EDITOR')).toMatchObject({ write: true, own: false, audit: false });
    expect(abilities('OWNER')).toMatchObject({ own: true, audit: false });
    expect(abilities('ADMIN').audit).toBe(true);
  });
  it('gives nothing to an unknown or missing role', () => {
    expect(Object.values(abilities(undefined)).some(Boolean)).toBe(false);
    expect(Object.values(abilities('ROOT')).some(Boolean)).toBe(false);
  });
  it('lands partners on the datasets shared with them, everyone else on tasks', () => {
    expect(home('PARTNER')).toBe('/studio/datasets');
    expect(home('ANNOTATOR')).toBe('/studio/tasks');
    expect(home('OWNER')).toBe('/studio/tasks');
  });
});
