"""django-import-export temporary storage kept in the database (``ImportUpload``).

import-export's own storages keep the file on a local disk (TempFolderStorage, MediaStorage with
the file-system default storage) or in the default cache (per process here): both break when the
confirm reaches another app server than the review (docs/architecture.md, "Beyond one
process"). The session would work but would carry up to 50 MB on every request of the
user. A row per upload does not.
"""

import uuid

from import_export.tmp_storages import BaseStorage

from ..models import ImportUpload


class DatabaseUploadStorage(BaseStorage):
    """Save, read and remove one upload; ``user`` limits reading to the uploader's files."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.user = kwargs.get("user")
        self.file_name = kwargs.get("file_name", "")

    def save(self, data, validated=b""):
        """Keep the file (and the review's validated cells, ``ImportResult.validated``)."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        # Old files go with purge_import_files (KUNDKORT_IMPORT_KEEP_DAYS): the import
        # history offers them for download until then.
        self.name = uuid.uuid4().hex
        ImportUpload.objects.create(
            name=self.name,
            file_name=self.file_name[:255],
            content=data,
            size=len(data),
            validated=validated or b"",
            created_by=self.user,
        )

    def _uploads(self):
        uploads = ImportUpload.objects.filter(name=self.name)
        if self.user is not None:
            uploads = uploads.filter(created_by=self.user)
        return uploads

    def read(self):
        """The file's bytes, or None when it is gone (confirmed already, or expired)."""
        content = self._uploads().values_list("content", flat=True).first()
        return None if content is None else bytes(content)

    def read_validated(self):
        """The review's validated cells kept with the file (bytes; empty when none)."""
        data = self._uploads().values_list("validated", flat=True).first()
        return b"" if data is None else bytes(data)

    def remove(self):
        self._uploads().delete()
