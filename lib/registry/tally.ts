import type { ImageDetail } from '@aws-sdk/client-ecr';

/** An image count and its bytes. */
export interface ImageTally {
  count: number;
  bytes: number;
}

/** An empty tally. */
export function emptyTally(): ImageTally {
  return { count: 0, bytes: 0 };
}

/** Counts `image` and its size into `tally`. */
export function addToTally(tally: ImageTally, image: Pick<ImageDetail, 'imageSizeInBytes'>): void {
  tally.count++;
  tally.bytes += image.imageSizeInBytes ?? 0;
}
