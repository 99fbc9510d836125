/** Pixel codecs of our own for transfer syntaxes no library on Maven Central decodes. */
package org.fusioncds.dicom.codec;
