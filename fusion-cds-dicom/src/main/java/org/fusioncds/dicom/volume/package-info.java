/**
 * Series to volume: instances sorted along the slice normal, spacing checked (PS3.3 C.7.6.2); the
 * volume resampled onto a model's grid ({@link org.fusioncds.dicom.volume.VolumeResampler}).
 *
 * <p>Error codes ({@link org.fusioncds.error.ErrorCode}; code, HTTP status, meaning):
 *
 * <ul>
 *   <li>FCDS-2400 (500) no slices to build a volume from
 *   <li>FCDS-2401 (500) Image Position / Orientation (Patient) missing or malformed
 *   <li>FCDS-2402 (500) slices with different orientations
 *   <li>FCDS-2403 (500) slice Rows / Columns missing or different
 *   <li>FCDS-2404 (500) two slices at the same position
 *   <li>FCDS-2405 (500) slice spacing not uniform
 *   <li>FCDS-2406 (500) a volume over the byte limit
 *   <li>FCDS-2407 (500) Pixel Spacing missing, not positive or different between slices
 *   <li>FCDS-2408 (500) slices of different series, frames of reference or changed files
 *   <li>FCDS-2409 (500) slices that are not single-sample single-frame images
 *   <li>FCDS-2410 (500) a single slice without spacing or thickness
 *   <li>FCDS-2411 (500) Image Orientation (Patient) is not two orthogonal unit vectors
 *   <li>FCDS-2412 (500) slice positions not on one line along the normal
 *   <li>FCDS-2500 (500) a volume resampling grid that is not valid
 *   <li>FCDS-2501 (500) a series with fewer slices than the volume needs
 *   <li>FCDS-2502 (500) a series that covers too little of the resampled volume
 * </ul>
 */
package org.fusioncds.dicom.volume;
