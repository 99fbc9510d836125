/** Series to volume: instances sorted along the slice normal, spacing checked (PS3.3 C.7.6.2). */
package org.fusioncds.dicom.volume;
