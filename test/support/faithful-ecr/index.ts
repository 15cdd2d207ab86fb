/**
 * A faithful ECR layer in front of moto_server for integration tests: paging, tagStatus, manifest
 * facts in DescribeImages, and seeded faults. See proxy.ts.
 */
export { faithfulClients, type FaithfulClientsOptions } from './clients';
export type { CoveredImage } from './inspector-coverage';
export { startFaithfulEcr } from './proxy';
export type { FaithfulEcr, FaithfulEcrOptions, FaithfulEcrStats, FaultRates, InjectedFaults } from './types';
