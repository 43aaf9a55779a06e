"""The ZIP records npymmap reads and writes in place (PKWARE's APPNOTE.TXT), each named once,
after the standard library's :mod:`zipfile` (``stringFileHeader``, ``structFileHeader``,
``stringCentralDir``, ...). :mod:`zipfile` itself reads archives; these are for what it does
not do: mapping a member's data where it lies, rewriting CRC-32s in place, aligned members."""

import struct

# A local file header, before each member's name, extra field and data.
FILE_HEADER_SIGNATURE = b"PK\x03\x04"  # zipfile.stringFileHeader
FILE_HEADER = struct.Struct("<4sHHHHHIIIHH")  # zipfile.structFileHeader: signature ... name and extra lengths
FILE_HEADER_CRC = 14  # byte offset of the CRC-32 in a local file header
FILE_HEADER_NAME_LENGTH = 9  # index of the name length among FILE_HEADER's fields (the extra length follows)

# A central directory record, one per member, after the members.
CENTRAL_DIR_SIGNATURE = b"PK\x01\x02"  # zipfile.stringCentralDir
CENTRAL_DIR = struct.Struct("<4sHHHHHHIIIHHHHHII")  # zipfile.structCentralDir
CENTRAL_DIR_CRC = 16  # byte offset of the CRC-32 in a central directory record
CENTRAL_DIR_LENGTHS = struct.Struct("<HHH")  # its name, extra and comment lengths,
CENTRAL_DIR_LENGTHS_AT = 28  # at this byte offset

DATA_DESCRIPTOR_SIGNATURE = b"PK\x07\x08"  # optional, before a data descriptor's CRC-32
ZIP64_END_SIGNATURE = b"PK\x06\x06"  # zipfile.stringEndArchive64
ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"  # zipfile.stringEndArchive64Locator
END_SIGNATURE = b"PK\x05\x06"  # zipfile.stringEndArchive
