import type { ImageDetail } from '@aws-sdk/client-ecr';

/** An image count and its bytes. */
export interface ImageTally {
  count: number;
  bytes: number;
}

/** Counts `image` and its size into `tally`. */
export function addToTally(tally: ImageTally, image: Pick<ImageDetail, 'imageSizeInBytes'>): void {
  tally.count++;
  tally.bytes += image.imageSizeInBytes ?? 0;
}
