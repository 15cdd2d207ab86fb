/**
 * Registry facts every job shares (tags, tag mutability, scanning state, image tallies). Jobs import these
 * from here, never from each other.
 */
export * from './scanning';
export * from './tally';
export * from './tags';
