"""Announcements (issue 20.1): a coordinator writes to many; recipients see them on their home
page until read, and get them by e-mail (the fan-out runs on the job queue)."""

import io

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

import tasks
from forms.notify import AnnouncementForm
from models import Jst
from models.notify import Announcement
from services import announcements, policy

from .common import uploaded_attachment

bp = Blueprint("announcements", __name__)

NAV = [("announcements.overview", "Ogłoszenia", "announcement.manage")]


bp.add_app_template_global(announcements.unread_for, "announcements_unread")


@bp.get("/ogloszenia")
@login_required
def overview():
    policy.require(current_user, "announcement.manage")
    return render_template("announcements/overview.html", items=announcements.overview())


def _form():
    form = AnnouncementForm()
    form.jst.choices = [("", "— proszę wybrać —")] + [
        (str(jst_id), name)
        for jst_id, name in Jst.select(Jst.id, Jst.name)
        .where(Jst.status == "active")
        .order_by(Jst.name_sort)
        .tuples()
    ]
    return form


@bp.route("/ogloszenia/nowe", methods=["GET", "POST"])
@login_required
def new():
    policy.require(current_user, "announcement.manage")
    form = _form()
    if form.validate_on_submit():
        value = form.audience_value()
        attachment = uploaded_attachment(form)
        if announcements.count(form.audience.data, value) == 0:
            form.audience.errors = [
                *form.audience.errors,
                "Nikt nie otrzymałby tego ogłoszenia — proszę wybrać innych odbiorców.",
            ]
        elif attachment is not False:
            item = announcements.create(
                current_user,
                form.title.data.strip(),
                form.body.data.strip(),
                form.audience.data,
                value,
                attachment,
            )
            tasks.fan_out_announcement(item.id)
            flash(f"Ogłoszenie „{item.title}” jest wysyłane ({item.audience_label}).", "success")
            return redirect(url_for(".overview"))
    status = 422 if request.method == "POST" else 200
    return render_template("announcements/form.html", form=form), status


@bp.post("/ogloszenia/<int:announcement_id>/przeczytane")
@login_required
def read(announcement_id):
    if not announcements.mark_read(current_user, announcement_id):
        abort(404)
    return redirect(url_for("main.home"))


@bp.get("/ogloszenia/<int:announcement_id>/zalacznik")
@login_required
def attachment(announcement_id):
    if not (
        policy.can(current_user, "announcement.manage")
        or announcements.is_recipient(current_user, announcement_id)
    ):
        abort(404)
    item = Announcement.get_or_none(Announcement.id == announcement_id)
    if item is None or item.attachment_data is None:
        abort(404)
    return send_file(
        io.BytesIO(bytes(item.attachment_data)),
        mimetype=item.attachment_type,
        as_attachment=True,
        download_name=item.attachment_name,
    )
