"""Messages to the mentor (issue 20.5): a thread per JST between its team and its expert."""

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from forms.notify import MessageForm
from services import mentor, policy

from .common import load_jst

bp = Blueprint("mentor", __name__)


bp.add_app_template_global(mentor.unread_threads, "mentor_unread_threads")


def _page(jst, form, status=200):
    items = mentor.messages(jst)
    mentor.mark_read(jst, current_user, items)
    return render_template(
        "mentor/thread.html",
        jst=jst,
        items=items,
        form=form,
        can_write=policy.can(current_user, "mentor.write", jst),
    ), status


@bp.get("/jst/<int:jst_id>/wiadomosci")
@login_required
def thread(jst_id):
    jst = load_jst(jst_id, "mentor.read")
    return _page(jst, MessageForm(formdata=None))


@bp.post("/jst/<int:jst_id>/wiadomosci")
@login_required
def post(jst_id):
    jst = load_jst(jst_id, "mentor.write")
    form = MessageForm()
    if not form.validate_on_submit():
        return _page(jst, form, 422)
    url = url_for(".thread", jst_id=jst.id)
    mentor.post(jst, current_user, form.body.data.strip(), url, current_app.config)
    flash("Wysłano wiadomość.", "success")
    return redirect(url + "#nowa")
