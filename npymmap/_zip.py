"""The ZIP records npymmap reads and writes in place (PKWARE's APPNOTE.TXT), each named once,
after the standard library's :mod:`zipfile` (``stringFileHeader``, ``structFileHeader``,
``stringCentralDir``, ...). :mod:`zipfile` itself reads archives; these are for what it does
not do: mapping a member's data where it lies, rewriting CRC-32s in place, aligned members,
members added to an archive in place.

The members npymmap writes are stored (not compressed) ZIP64 entries, and every archive it
writes ends with a ZIP64 end record, its locator and an end record, as :mod:`zipfile` writes
them for an archive past 4 GiB or 65,535 members.
"""

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

# The end records, after the central directory: ZIP64's end record and its locator (when
# present), then the end record, which a comment of up to 65,535 bytes may follow.
ZIP64_END_SIGNATURE = b"PK\x06\x06"  # zipfile.stringEndArchive64
ZIP64_END = struct.Struct("<4sQHHIIQQQQ")  # zipfile.structEndArchive64: ... counts, directory size and offset
ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"  # zipfile.stringEndArchive64Locator
ZIP64_LOCATOR = struct.Struct("<4sIQI")  # zipfile.structEndArchive64Locator: its disk, the ZIP64 end's offset, disks
END_SIGNATURE = b"PK\x05\x06"  # zipfile.stringEndArchive
END = struct.Struct("<4sHHHHIIH")  # zipfile.structEndArchive: ... counts, directory size and offset, comment length
END_RECORDS_SIZE = ZIP64_END.size + ZIP64_LOCATOR.size + END.size  # what end_records writes, before the comment

def member_key(filename: "str") -> "str":
    """The name ``numpy.load`` gives the member of that name in the archive: ``.npy`` dropped."""
    return filename[:-4] if filename.endswith(".npy") else filename


_ZIP64_EXTRA = struct.Struct("<HHQQ")  # id 1, size 16: uncompressed and compressed sizes
_PADDING_ID = 0x4E50  # "NP": an extra field zip readers skip, holding the alignment padding


def local_header(filename: "bytes", size: "int", start: "int", align: "int") -> "bytes":
    """The local file header of a stored ZIP64 member of ``size`` bytes whose header starts at
    byte ``start`` of the archive, padded (in an extra field zip readers skip) so that its data
    starts at a multiple of ``align``. Its CRC-32 is 0 until written at ``FILE_HEADER_CRC``."""
    bare = FILE_HEADER.size + len(filename) + _ZIP64_EXTRA.size
    padding = -(start + bare + 4) % align + 4  # a padding field is at least its 4-byte head
    extra = _ZIP64_EXTRA.pack(1, 16, size, size) + struct.pack("<HH", _PADDING_ID, padding - 4) + bytes(padding - 4)
    return (
        FILE_HEADER.pack(
            FILE_HEADER_SIGNATURE, 45, _name_flags(filename), 0, 0, 0x21, 0, 0xFFFFFFFF, 0xFFFFFFFF, len(filename), len(extra)
        )
        + filename
        + extra
    )


def central_record(filename: "bytes", crc: "int", size: "int", header_offset: "int") -> "bytes":
    """The central directory record of a stored ZIP64 member of ``size`` bytes whose local
    header is at byte ``header_offset``."""
    extra = struct.pack("<HHQQQ", 1, 24, size, size, header_offset)
    return (
        CENTRAL_DIR.pack(
            CENTRAL_DIR_SIGNATURE, 45, 45, _name_flags(filename), 0, 0, 0x21, crc, 0xFFFFFFFF, 0xFFFFFFFF,
            len(filename), len(extra), 0, 0, 0, 0, 0xFFFFFFFF,
        )  # fmt: skip
        + filename
        + extra
    )


def _name_flags(filename: "bytes") -> "int":
    """The general purpose flags of a member named ``filename`` (UTF-8): bit 11 says the name is
    UTF-8 where it is not ASCII, else zip readers (:mod:`zipfile`, so ``numpy.load``) take it
    for code page 437, as :mod:`zipfile` writes it."""
    return 0 if filename.isascii() else 0x800


def end_records(count: "int", directory_size: "int", directory_start: "int", comment: "bytes") -> "bytes":
    """The ZIP64 end record, its locator and the end record (then ``comment``) of an archive of
    ``count`` members whose central directory of ``directory_size`` bytes starts at byte
    ``directory_start`` and ends where these records start."""
    zip64_end = ZIP64_END.pack(ZIP64_END_SIGNATURE, 44, 45, 45, 0, 0, count, count, directory_size, directory_start)
    locator = ZIP64_LOCATOR.pack(ZIP64_LOCATOR_SIGNATURE, 0, directory_start + directory_size, 1)
    short = min(count, 0xFFFF)
    end = END.pack(END_SIGNATURE, 0, 0, short, short, 0xFFFFFFFF, 0xFFFFFFFF, len(comment))
    return zip64_end + locator + end + comment
