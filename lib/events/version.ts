/**
 * The version of the shape of every event's `detail` ecr-keeper publishes (`detail.version`); bumped, with a
 * CHANGELOG line and its JSON Schema in schemas/, when a detail's shape changes in a way a consumer would see.
 */
export const EVENT_DETAIL_VERSION = 1;
