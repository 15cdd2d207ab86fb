import { describe, expect, it } from 'vitest';
import { DriftEventSchema, driftAction } from '../lib/enforce/drift-event';
import { ScheduledJobRequestSchema } from '../lib/job/request';
import { EventValidationError } from '../lib/errors';
import { parseEvent } from '../lib/validate';
import { sampleEvent } from './support/sample-events';

const parse = (event: unknown) => parseEvent(DriftEventSchema, event, 'CloudTrail ECR event');

describe('drift events', () => {
  it('re-enforces the created repository on CreateRepository', () => {
    const action = driftAction(parse(sampleEvent('cloudtrail-create-repository.json')));
    expect(action).toEqual({
      kind: 'enforce',
      scope: { kind: 'repositories', names: ['payments/ledger'] },
      trigger: {
        source: 'drift',
        eventName: 'CreateRepository',
        eventId: '0c7f5a42-6b1d-4e8a-b3f2-9d5e1c6a7b80',
        actor: 'arn:aws:sts::123456789012:assumed-role/PlatformEngineer/jane.doe',
      },
    });
  });

  it('re-enforces the repository named by PutImageTagMutability', () => {
    const action = driftAction(parse(sampleEvent('cloudtrail-put-image-tag-mutability.json')));
    expect(action).toMatchObject({ kind: 'enforce', scope: { kind: 'repositories', names: ['payments/api'] } });
  });

  it('re-enforces the repository named by PutImageScanningConfiguration', () => {
    const action = driftAction(parse(sampleEvent('cloudtrail-put-image-scanning-configuration.json')));
    expect(action).toMatchObject({ kind: 'enforce', scope: { kind: 'repositories', names: ['payments/api'] } });
  });

  it.each(['cloudtrail-set-repository-policy.json', 'cloudtrail-delete-lifecycle-policy.json'])('re-enforces the repository named by %s', (file) => {
    const event = sampleEvent(file);
    const action = driftAction(parse(event));
    expect(action).toMatchObject({ kind: 'enforce', scope: { kind: 'repositories', names: ['payments/api'] }, trigger: { eventName: event.detail.eventName } });
  });

  it('re-enforces the registry replication on PutReplicationConfiguration', () => {
    const action = driftAction(parse(sampleEvent('cloudtrail-put-replication-configuration.json')));
    expect(action).toMatchObject({ kind: 'enforce', scope: { kind: 'replication' }, trigger: { eventName: 'PutReplicationConfiguration' } });
  });

  it('ignores a call ECR refused, even without request parameters', () => {
    const action = driftAction(parse(sampleEvent('cloudtrail-put-image-tag-mutability-denied.json')));
    expect(action).toEqual({ kind: 'ignore', reason: 'PutImageTagMutability failed with AccessDenied: nothing changed' });
  });

  it('rejects another ECR call, naming the field', () => {
    const event = sampleEvent('cloudtrail-put-image-tag-mutability.json', (e) => (e.detail.eventName = 'DeleteRepository'));
    expect(() => parse(event)).toThrow(EventValidationError);
    expect(() => parse(event)).toThrow(/detail\.eventName: /);
  });

  it('rejects an event from another service', () => {
    const event = sampleEvent('cloudtrail-put-image-tag-mutability.json', (e) => (e.detail.eventSource = 'ecs.amazonaws.com'));
    expect(() => parse(event)).toThrow(/detail\.eventSource: /);
  });

  it('rejects a successful repository call without a repository name', () => {
    const event = sampleEvent('cloudtrail-put-image-tag-mutability.json', (e) => delete e.detail.requestParameters.repositoryName);
    expect(() => parse(event)).toThrow('detail.requestParameters.repositoryName: is required for PutImageTagMutability');
  });

  it('rejects a repository name ECR would not accept', () => {
    const event = sampleEvent('cloudtrail-create-repository.json', (e) => (e.detail.requestParameters.repositoryName = 'Payments API'));
    expect(() => parse(event)).toThrow('detail.requestParameters.repositoryName: must be an ECR repository name');
  });

  it('rejects an event of another detail-type', () => {
    const event = sampleEvent('schedule-enforce.json');
    expect(() => parse(event)).toThrow(/detail-type: /);
  });
});

describe('enforce request', () => {
  it('accepts the scheduled event', () => {
    expect(parseEvent(ScheduledJobRequestSchema, sampleEvent('schedule-enforce.json'), 'enforce request')).toMatchObject({
      'detail-type': 'Scheduled Event',
    });
  });

  it('accepts a manual invoke with a cursor', () => {
    expect(parseEvent(ScheduledJobRequestSchema, { cursor: 'abc' }, 'enforce request')).toEqual({ cursor: 'abc', publish: true });
  });

  it('rejects an event that is not a schedule, naming the field', () => {
    expect(() => parseEvent(ScheduledJobRequestSchema, sampleEvent('cloudtrail-create-repository.json'), 'enforce request')).toThrow(
      /detail-type: /,
    );
  });
});
