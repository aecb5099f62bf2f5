"""Change requests: what editors change on a published dataset waits here,
with any uploaded file, until the director approves it; the public keeps
seeing the approved content meanwhile."""
from __future__ import annotations

import datetime
import os
import uuid
from typing import Any

from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

import ckan.lib.plugins as lib_plugins
import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.oit import thai_calendar
from ckanext.oit.i18n_dates import as_display_time, thai_datetime
from ckanext.oit.i18n_messages import both
from ckanext.oit.workflow.model import APPROVED, OPEN, RETURNED, ChangeRequest

# Fields that change on every save; they say nothing to a reviewer.
NOISE = {"metadata_modified", "revision_id", "num_resources", "num_tags", "organization",
         "relationships_as_object", "relationships_as_subject", "tracking_summary",
         "oit_change_request", "upload", "clear_upload"}


def _now() -> datetime.datetime:
    return datetime.datetime.utcnow()


def open_request(package_id: str) -> ChangeRequest | None:
    return model.Session.query(ChangeRequest).filter_by(package_id=package_id, status=OPEN).first()


def _storage_dir(request_id: str) -> str:
    root = tk.config.get("ckan.storage_path")
    if not root:
        raise tk.ValidationError({"upload": [both("No file storage is configured (ckan.storage_path)")]})
    return os.path.join(root, "oit", "change-requests", request_id)


def _keep_upload(request_id: str, upload: Any) -> dict[str, str] | None:
    """Store an uploaded file beside the request, never over the public file."""
    if not isinstance(upload, FileStorage) or not upload.filename:
        return None
    folder = _storage_dir(request_id)
    os.makedirs(folder, exist_ok=True)
    name = f"{uuid.uuid4().hex[:8]}-{secure_filename(upload.filename) or 'upload'}"
    path = os.path.join(folder, name)
    limit = tk.config.get("ckan.max_resource_size") * 1024 * 1024
    written = 0
    with open(path, "wb") as target:
        while chunk := upload.stream.read(1024 * 1024):
            written += len(chunk)
            if written > limit:
                target.close()
                os.remove(path)
                raise tk.ValidationError({"upload": [
                    both("The file is larger than %(size)d MB", size=limit // (1024 * 1024))]})
            target.write(chunk)
    return {"path": path, "filename": upload.filename, "content_type": upload.content_type or ""}


def validate_package(context: dict[str, Any], data_dict: dict[str, Any]) -> dict[str, Any]:
    """Validate a proposed package dict as package_update would, without saving."""
    package_plugin = lib_plugins.lookup_package_plugin(data_dict.get("type"))
    schema = package_plugin.update_package_schema()
    data, errors = lib_plugins.plugin_validate(
        package_plugin, dict(context, schema=schema), data_dict, schema, "package_update")
    if errors:
        model.Session.rollback()
        raise tk.ValidationError(errors)
    return data


def _someone_elses(request: ChangeRequest, user: model.User | None) -> None:
    """Four eyes: one request holds one person's operations, so that whoever
    approves it knows whose work it is; a second person waits for the decision."""
    if user is not None and request.requested_by == user.id:
        return
    author = model.User.get(request.requested_by or "")
    who = (author.fullname or author.name) if author is not None else (request.requested_by or "?")
    opened = as_display_time(request.requested_at)

    def when(lang: str) -> str:
        if lang == "th":
            return thai_datetime(opened, with_hours=True)
        return f"{thai_calendar.format_date(opened.date(), 'long', lang)} {opened:%H:%M}"

    raise tk.ValidationError({"oit_change_request": [both(
        "This dataset has an open change request %(request)s by %(who)s, opened %(when)s; "
        "propose your change once that request is approved or returned",
        request=request.id, who=who, when=when)]})


def propose(context: dict[str, Any], package: model.Package, action: str,
            data_dict: dict[str, Any]) -> ChangeRequest:
    """Add one operation to the dataset's open change request (made if none).
    Only the request's author adds to it; anyone else is refused."""
    user = model.User.get(context.get("user") or "")
    data = {k: v for k, v in data_dict.items() if k not in ("upload", "clear_upload")}
    request = open_request(package.id)
    if request is not None:
        _someone_elses(request, user)
    if request is None:
        request = ChangeRequest(id=str(uuid.uuid4()), package_id=package.id, owner_org=package.owner_org,
                                status=OPEN, requested_by=user.id if user else "",
                                requested_at=_now(), updated_at=_now(), operations="[]")
        model.Session.add(request)
    upload = _keep_upload(request.id, data_dict.get("upload"))
    ops = request.ops()
    ops.append({"action": action, "data": data, "upload": upload,
                "requested_by": user.id if user else None, "requested_at": _now().isoformat()})
    request.set_ops(ops)
    request.updated_at = _now()
    return request


def authors(request: ChangeRequest) -> set[str]:
    """Everyone with an operation in the request (its author included)."""
    people = {op.get("requested_by") for op in request.ops()} | {request.requested_by}
    return {p for p in people if p}


def summary(request: ChangeRequest) -> dict[str, Any]:
    return {"id": request.id, "package_id": request.package_id, "status": request.status,
            "requested_by": request.requested_by, "requested_at": request.requested_at.isoformat(),
            "operation_count": len(request.ops())}


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    keys = (set(before) | set(after)) - NOISE - {"resources"}
    return {k: {"before": before.get(k), "after": after.get(k)}
            for k in sorted(keys) if after.get(k) != before.get(k) and k in after}


def explain(request: ChangeRequest) -> list[dict[str, Any]]:
    """Each operation with a before/after of what it changes, against today's content."""
    current = tk.get_action("package_show")({"ignore_auth": True}, {"id": request.package_id})
    resources = {r["id"]: r for r in current.get("resources", [])}
    explained = []
    for op in request.ops():
        data = op["data"]
        entry: dict[str, Any] = {"action": op["action"], "requested_by": op.get("requested_by"),
                                 "requested_at": op.get("requested_at")}
        if op["action"] == "package_update":
            entry["changes"] = _diff(current, data)
        elif op["action"] == "resource_create":
            entry["resource"] = {"before": None, "after": {k: v for k, v in data.items() if k not in NOISE}}
        elif op["action"] == "resource_update":
            entry["changes"] = _diff(resources.get(data.get("id"), {}), data)
            entry["resource_id"] = data.get("id")
        elif op["action"] == "resource_delete":
            entry["resource"] = {"before": resources.get(data.get("id")), "after": None}
        if op.get("upload"):
            entry["new_file"] = _file_name(op["upload"])
        explained.append(entry)
    return explained


def _file_name(upload: dict[str, Any] | None) -> str | None:
    """The uploaded file's own name; where it is stored stays on the server."""
    if not upload:
        return None
    name = str(upload.get("filename") or "")
    return name.replace("\\", "/").rsplit("/", 1)[-1] or None


def decided(request: ChangeRequest) -> list[dict[str, Any]]:
    """The operations of a closed request as proposed (today's content is no
    longer their "before"), without the server's internals."""
    shown = []
    for op in request.ops():
        entry: dict[str, Any] = {"action": op["action"], "requested_by": op.get("requested_by"),
                                 "requested_at": op.get("requested_at"),
                                 "data": {k: v for k, v in (op.get("data") or {}).items() if k not in NOISE}}
        if op.get("upload"):
            entry["new_file"] = _file_name(op["upload"])
        shown.append(entry)
    return shown


def show(request: ChangeRequest) -> dict[str, Any]:
    result = summary(request)
    result.update(owner_org=request.owner_org, comment=request.comment, decided_by=request.decided_by,
                  decided_at=request.decided_at.isoformat() if request.decided_at else None,
                  operations=explain(request) if request.status == OPEN else decided(request))
    return result


def _replay(context: dict[str, Any], op: dict[str, Any]) -> None:
    data = dict(op["data"])
    upload = op.get("upload")
    stream = None
    if upload:
        stream = open(upload["path"], "rb")
        data["upload"] = FileStorage(stream=stream, filename=upload["filename"],
                                     content_type=upload.get("content_type") or None)
    try:
        tk.get_action(op["action"])(dict(context), data)
    finally:
        if stream:
            stream.close()


def apply(request: ChangeRequest, actor: model.User) -> None:
    """Replay every operation as the approver, in order; the workflow context
    lets them through the guards."""
    context = {"user": actor.name, "oit_workflow": True, "ignore_auth": True}
    for op in request.ops():
        if op["action"] == "package_update":
            # Only what the editor changed: fields the workflow set since stay.
            current = tk.get_action("package_show")({"ignore_auth": True}, {"id": request.package_id})
            proposed = {k: v for k, v in op["data"].items() if not k.startswith("oit_") and k != "private"}
            current.update(proposed)
            op = dict(op, data=current)
        _replay(context, op)
    request.status = APPROVED
    request.decided_by = actor.id
    request.decided_at = _now()


def reject(request: ChangeRequest, actor: model.User, comment: str) -> None:
    request.status = RETURNED
    request.decided_by = actor.id
    request.decided_at = _now()
    request.comment = comment
