package org.deferprobe.stress;

import org.deferprobe.engine.FwDevlink;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --fw-devlink MODE}: on, permissive or off, as on the kernel command line. */
final class FwDevlinkMode implements ITypeConverter<FwDevlink> {
    @Override
    public FwDevlink convert(String value) {
        try {
            return FwDevlink.byName(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
