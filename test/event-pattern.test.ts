import { describe, expect, it } from 'vitest';
import { matchesPattern } from './support/event-pattern';

const push = {
  version: '0',
  source: 'aws.ecr',
  'detail-type': 'ECR Image Action',
  resources: ['arn:aws:ecr:us-east-1:123456789012:repository/team/api'],
  detail: { result: 'SUCCESS', 'repository-name': 'team/api', 'image-digest': 'sha256:abc', 'action-type': 'PUSH', 'image-tag': 'v1', size: 42 },
};

describe('matchesPattern', () => {
  it('matches exact values, any of a list, nested', () => {
    expect(matchesPattern({ source: ['aws.ecr'], detail: { 'action-type': ['PUSH', 'DELETE'], result: ['SUCCESS'] } }, push)).toBe(true);
    expect(matchesPattern({ source: ['aws.ecr'], detail: { 'action-type': ['DELETE'] } }, push)).toBe(false);
  });

  it('fails a field the event lacks, unless exists is false', () => {
    expect(matchesPattern({ detail: { errorCode: ['x'] } }, push)).toBe(false);
    expect(matchesPattern({ detail: { errorCode: [{ exists: false }] } }, push)).toBe(true);
    expect(matchesPattern({ detail: { 'image-tag': [{ exists: true }] } }, push)).toBe(true);
    expect(matchesPattern({ detail: { 'image-tag': [{ exists: false }] } }, push)).toBe(false);
  });

  it('supports prefix, suffix, equals-ignore-case and wildcard', () => {
    expect(matchesPattern({ detail: { 'repository-name': [{ prefix: 'team/' }] } }, push)).toBe(true);
    expect(matchesPattern({ detail: { 'repository-name': [{ suffix: '/api' }] } }, push)).toBe(true);
    expect(matchesPattern({ detail: { result: [{ 'equals-ignore-case': 'success' }] } }, push)).toBe(true);
    expect(matchesPattern({ detail: { 'repository-name': [{ wildcard: 't*/a*' }] } }, push)).toBe(true);
    expect(matchesPattern({ detail: { 'repository-name': [{ prefix: 'other/' }] } }, push)).toBe(false);
  });

  it('supports anything-but and numeric', () => {
    expect(matchesPattern({ detail: { 'action-type': [{ 'anything-but': ['DELETE'] }] } }, push)).toBe(true);
    expect(matchesPattern({ detail: { 'action-type': [{ 'anything-but': 'PUSH' }] } }, push)).toBe(false);
    expect(matchesPattern({ detail: { 'repository-name': [{ 'anything-but': { prefix: 'team/' } }] } }, push)).toBe(false);
    expect(matchesPattern({ detail: { size: [{ numeric: ['>', 0, '<=', 42] }] } }, push)).toBe(true);
    expect(matchesPattern({ detail: { size: [{ numeric: ['>', 42] }] } }, push)).toBe(false);
  });

  it('matches an array in the event when any element matches', () => {
    expect(matchesPattern({ resources: [{ suffix: '/team/api' }] }, push)).toBe(true);
    expect(matchesPattern({ resources: ['arn:other'] }, push)).toBe(false);
  });

  it('supports $or', () => {
    expect(matchesPattern({ $or: [{ source: ['aws.inspector2'] }, { detail: { result: ['SUCCESS'] } }] }, push)).toBe(true);
    expect(matchesPattern({ $or: [{ source: ['aws.inspector2'] }, { detail: { result: ['FAILURE'] } }] }, push)).toBe(false);
  });
});
