"""PDF file bytes from numbered objects: the header, each `N 0 obj`, the cross-reference table
and the trailer. The test PDFs made by hand (layout pages, figures) share it."""


def pdf_bytes(objects, root, binary_marker=False):
    """`objects`: the bodies of objects 1..n (bytes); `root`: the catalog's number.
    `binary_marker` adds the comment line of high bytes that marks a file as binary."""
    out = bytearray(b"%PDF-1.4\n" + (b"%\xe2\xe3\xcf\xd3\n" if binary_marker else b""))
    offsets = []
    for i, body in enumerate(objects):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, root, xref)
    return bytes(out)
