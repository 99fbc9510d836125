/**
 * Pixel decoding (PS3.5 section 8 and annexes A, G): one frame at a time, to stored values, with
 * the modality LUT and VOI windowing as separate, explicit steps.
 *
 * <p>Error codes ({@link org.fusioncds.error.ErrorCode}; code, HTTP status, meaning):
 *
 * <ul>
 *   <li>FCDS-2100 (500) no Pixel Data in the data set
 *   <li>FCDS-2101 (500) an image attribute is missing or not positive
 *   <li>FCDS-2102 (500) image pixel attributes are invalid or inconsistent
 *   <li>FCDS-2103 (500) a frame exceeds the pixel or byte limit
 *   <li>FCDS-2104 (500) encapsulated pixel data has no fragments
 *   <li>FCDS-2105 (500) a frame cannot be located through the offset table
 *   <li>FCDS-2106 (500) a frame number beyond the image's frames
 *   <li>FCDS-2107 (500) native pixel data where the transfer syntax needs encapsulated
 *   <li>FCDS-2108 (500) pixel data shorter than the frame needs
 *   <li>FCDS-2110 (500) an RLE frame shorter than its header
 *   <li>FCDS-2111 (500) an RLE header declares the wrong number of segments
 *   <li>FCDS-2112 (500) an RLE segment lies outside the frame
 *   <li>FCDS-2113 (500) an RLE segment decodes to the wrong length
 *   <li>FCDS-2120 (500) a codestream cannot be decoded by ImageIO
 *   <li>FCDS-2121 (500) a codestream disagrees with the data set's image attributes
 *   <li>FCDS-2122 (500) a JPEG 2000 codestream is truncated or corrupt
 *   <li>FCDS-2130 (500) a transfer syntax not decoded here
 *   <li>FCDS-2140 (500) Rescale Slope / Intercept unusable
 *   <li>FCDS-2141 (500) a Modality LUT Sequence (only a linear rescale is supported)
 *   <li>FCDS-2142 (500) a modality LUT on a frame that is not single-sample
 *   <li>FCDS-2143 (500) a VOI window center / width is unusable
 *   <li>FCDS-2144 (500) VOI window value counts differ or the window index is out of range
 *   <li>FCDS-2145 (500) an unknown VOI LUT Function
 *   <li>FCDS-2150 (500) palette lookup on a frame that is not single-sample PALETTE COLOR
 *   <li>FCDS-2151 (500) a Palette Color Lookup Table Descriptor is invalid
 *   <li>FCDS-2152 (500) Palette Color Lookup Table Data missing
 *   <li>FCDS-2153 (500) palette descriptors or data disagree
 *   <li>FCDS-2154 (500) segmented palette tables are not supported
 *   <li>FCDS-2155 (500) conversion to RGB of a frame that is not 3-sample YBR_FULL or RGB
 * </ul>
 */
package org.fusioncds.dicom.pixel;
