/**
 * Pixel codecs of our own, where no library on Maven Central decodes a syntax, or none as fast and
 * as close to DCMTK: {@link org.fusioncds.dicom.codec.JpegExtendedDecoder} for JPEG baseline and
 * extended (DICOM 1.2.840.10008.1.2.4.50, .51), {@link
 * org.fusioncds.dicom.codec.JpegLosslessDecoder} for JPEG lossless (.57, .70; it shares the marker
 * parser and the bit reader {@code JpegEntropyReader} of the former), {@link
 * org.fusioncds.dicom.codec.JpegLsDecoder} for JPEG-LS (.80, .81). The DCT decoder's inverse DCT
 * ({@code JpegIdct}), upsampling ({@code JpegExtendedOutput}) and YCbCr to RGB conversion ({@link
 * org.fusioncds.dicom.codec.YbrFullColor}) are libjpeg's integer ones, so that its samples equal
 * DCMTK's {@code dcmdjpeg}'s, as the lossless and JPEG-LS decoders' do.
 *
 * <p>Error codes ({@link org.fusioncds.error.ErrorCode}; code, HTTP status, meaning):
 *
 * <ul>
 *   <li>FCDS-2200 (500) JPEG-LS codestream missing or without SOI
 *   <li>FCDS-2201 (500) JPEG-LS codestream ends before EOI
 *   <li>FCDS-2202 (500) JPEG-LS marker where it is not allowed
 *   <li>FCDS-2203 (500) JPEG-LS marker not supported
 *   <li>FCDS-2204 (500) JPEG-LS bits per sample not supported
 *   <li>FCDS-2205 (500) JPEG-LS frame width or height 0
 *   <li>FCDS-2206 (500) JPEG-LS image over the size limit
 *   <li>FCDS-2207 (500) JPEG-LS frame components invalid or not supported
 *   <li>FCDS-2208 (500) JPEG-LS scan header invalid
 *   <li>FCDS-2209 (500) JPEG-LS preset parameters invalid
 *   <li>FCDS-2210 (500) JPEG-LS mapping tables or preset types not supported
 *   <li>FCDS-2211 (500) JPEG-LS colour transform not supported
 *   <li>FCDS-2212 (500) JPEG-LS scan data corrupt
 *   <li>FCDS-2213 (500) JPEG-LS restart marker missing or out of sequence
 *   <li>FCDS-2214 (500) JPEG-LS segment of invalid length
 *   <li>FCDS-2215 (500) JPEG-LS EOI while a component was in no scan
 *   <li>FCDS-2216 (500) JPEG-LS point transform not supported
 *   <li>FCDS-2250 (500) not a JPEG codestream
 *   <li>FCDS-2251 (500) JPEG codestream ends inside a marker segment or before the image is
 *       complete
 *   <li>FCDS-2252 (500) a JPEG process other than Huffman-coded sequential DCT (4.50, 4.51) or
 *       lossless (4.57, 4.70) for the transfer syntax
 *   <li>FCDS-2253 (500) invalid or unsupported JPEG frame header
 *   <li>FCDS-2254 (500) JPEG image larger than the decoder allocates
 *   <li>FCDS-2255 (500) a JPEG scan refers to an undefined quantisation or Huffman table
 *   <li>FCDS-2256 (500) invalid JPEG DQT segment
 *   <li>FCDS-2257 (500) invalid JPEG DHT segment
 *   <li>FCDS-2258 (500) invalid JPEG SOS segment
 *   <li>FCDS-2259 (500) a JPEG bit sequence that is not a Huffman code
 *   <li>FCDS-2260 (500) JPEG entropy-coded data ends before all blocks are decoded
 *   <li>FCDS-2261 (500) invalid JPEG coefficient coding
 *   <li>FCDS-2262 (500) invalid JPEG DRI segment or restart marker
 *   <li>FCDS-2263 (500) JPEG codestream without frame, scan or with an uncoded component
 *   <li>FCDS-2264 (500) a JPEG marker where it is not allowed
 * </ul>
 */
package org.fusioncds.dicom.codec;
