"""Thematic networks (issue 30.3): the member's list, a network's threads, a thread's posts,
members and invitations, and the monitoring network's links to each JST's progress."""

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from forms.networks import INVITE_FORMS, NetworkForm, PostForm, ThreadForm
from lib.plural import count_pl
from models.networks import KINDS
from models.programme import PROGRESS_STATUS
from services import lists, networks, policy, programme

from . import chrome
from .common import uploaded_attachment

bp = Blueprint("networks", __name__)

NAV = [("networks.overview", "Sieci tematyczne", "network.list")]


def _load(network_id, action="network.read"):
    network = networks.get(network_id) or abort(404)
    policy.require(current_user, action, network)
    return network


def _page():
    return lists.int_arg(request.args.get("strona")) or 1


def _period(available):
    """The half-year asked for (?polrocze=2018-1) among `available`, else the current one."""
    asked = request.args.get("polrocze")
    return asked if asked in available else programme.current_period()


def _thread_url(network):
    return lambda thread, page: url_for(
        "networks.thread", network_id=network.id, thread_id=thread.id, strona=page
    )


@bp.get("/sieci")
@login_required
def overview():
    policy.require(current_user, "network.list")
    everything = current_user.role == "coordinator"
    return render_template(
        "networks/overview.html",
        items=networks.networks_for(current_user, everything),
        kinds=KINDS,
        can_create=policy.can(current_user, "network.create"),
        can_monitor=policy.can(current_user, "network.monitoring"),
        monitoring=networks.monitoring() if everything else None,
        empty=chrome.TOKEN,
    )


@bp.route("/sieci/nowa", methods=["GET", "POST"])
@login_required
def new():
    policy.require(current_user, "network.create")
    form = NetworkForm()
    if form.validate_on_submit():
        network = networks.create(current_user, form.name.data, form.description.data or "")
        flash(f"Otwarto sieć „{network.name}”. Proszę zaprosić uczestników.", "success")
        return redirect(url_for(".members", network_id=network.id))
    status = 422 if request.method == "POST" else 200
    return render_template("networks/new.html", form=form), status


@bp.post("/sieci/monitorujaca")
@login_required
def open_monitoring():
    policy.require(current_user, "network.monitoring")
    network, opened = networks.open_monitoring(current_user)
    if opened:
        flash(f"Otwarto „{network.name}”. Proszę zaprosić JST.", "success")
        return redirect(url_for(".members", network_id=network.id))
    return redirect(url_for(".network", network_id=network.id))


def _network_page(network, form, status=200):
    threads, page, pages, total = networks.threads_page(network, _page())
    period = monitoring = None
    periods = []
    if network.kind == "monitoring":
        periods = programme.periods()
        period = _period(periods)
        monitoring = networks.progress_overview(network, period)
    return render_template(
        "networks/network.html",
        network=network,
        threads=threads,
        paging=(page, pages, total),
        form=form,
        can_invite=policy.can(current_user, "network.invite", network),
        period=period,
        periods=periods,
        monitoring=monitoring,
        statuses=PROGRESS_STATUS,
    ), status


@bp.get("/sieci/<int:network_id>")
@login_required
def network(network_id):
    return _network_page(_load(network_id), ThreadForm(formdata=None))


@bp.post("/sieci/<int:network_id>")
@login_required
def start_thread(network_id):
    network = _load(network_id)
    form = ThreadForm()
    if form.validate_on_submit() and (attachment := uploaded_attachment(form)) is not False:
        thread = networks.start_thread(
            network,
            current_user,
            form.title.data,
            form.body.data,
            attachment,
            _thread_url(network),
            current_app.config,
        )
        flash("Rozpoczęto wątek.", "success")
        return redirect(url_for(".thread", network_id=network.id, thread_id=thread.id))
    return _network_page(network, form, 422)


def _thread_page(network, thread, form, page, status=200):
    posts, page, pages = networks.posts_page(thread, page)
    return render_template(
        "networks/thread.html",
        network=network,
        thread=thread,
        posts=posts,
        paging=(page, pages),
        form=form,
    ), status


@bp.get("/sieci/<int:network_id>/watki/<int:thread_id>")
@login_required
def thread(network_id, thread_id):
    network = _load(network_id)
    item = networks.get_thread(network, thread_id) or abort(404)
    return _thread_page(network, item, PostForm(formdata=None), _page())


@bp.post("/sieci/<int:network_id>/watki/<int:thread_id>")
@login_required
def reply(network_id, thread_id):
    network = _load(network_id)
    item = networks.get_thread(network, thread_id) or abort(404)
    form = PostForm()
    if form.validate_on_submit() and (attachment := uploaded_attachment(form)) is not False:
        post = networks.reply(
            network,
            item,
            current_user,
            form.body.data,
            attachment,
            _thread_url(network),
            current_app.config,
        )
        flash("Dodano odpowiedź.", "success")
        page = networks.last_page(item)
        return redirect(
            url_for(".thread", network_id=network.id, thread_id=item.id, strona=page)
            + f"#wpis-{post.id}"
        )
    return _thread_page(network, item, form, networks.last_page(item), 422)


@bp.get("/sieci/<int:network_id>/zalaczniki/<int:post_id>")
@login_required
def attachment(network_id, post_id):
    network = _load(network_id)
    post = networks.attachment(network, post_id) or abort(404)
    return send_file(
        io.BytesIO(bytes(post.attachment_data)),
        mimetype=post.attachment_type,
        as_attachment=True,
        download_name=post.attachment_name,
    )


def _invite_forms(bound=None):
    forms = {
        how: (form_class() if how == bound else form_class(formdata=None))
        for how, form_class in INVITE_FORMS.items()
    }
    forms["group"].value.choices = [
        (group_id, f"Grupa robocza {number} ({count_pl(jsts, 'JST', 'JST', 'JST')})")
        for group_id, number, jsts in networks.working_groups()
    ]
    return forms


def _members_page(network, forms, status=200):
    rows, page, pages, total = networks.members_page(network, _page())
    q = (request.args.get("q") or "").strip()[:100]
    found = networks.people(q) if q else []
    forms["person"].value.choices = [(user_id, name) for user_id, name, _r, _j in found]
    return render_template(
        "networks/members.html",
        network=network,
        rows=rows,
        paging=(page, pages, total),
        forms=forms,
        q=q,
        found=found,
        can_invite=policy.can(current_user, "network.invite", network),
        empty=chrome.TOKEN,
    ), status


@bp.get("/sieci/<int:network_id>/czlonkowie")
@login_required
def members(network_id):
    return _members_page(_load(network_id), _invite_forms())


@bp.post("/sieci/<int:network_id>/czlonkowie")
@login_required
def invite(network_id):
    network = _load(network_id, "network.invite")
    how = request.form.get("how")
    if how not in INVITE_FORMS:
        abort(400)
    forms = _invite_forms(how)
    form = forms[how]
    if form.validate_on_submit():
        url = url_for(".network", network_id=network.id)
        added = networks.invite(network, how, form.value.data, url, current_app.config)
        if added:
            flash(f"Zaproszono: {count_pl(added, 'osobę', 'osoby', 'osób')}.", "success")
        else:
            flash(
                "Nikogo nie dodano: wybrane osoby już należą do sieci "
                "albo wybór nie obejmuje nikogo.",
                "info",
            )
        return redirect(url_for(".members", network_id=network.id))
    return _members_page(network, forms, 422)


@bp.post("/sieci/<int:network_id>/czlonkowie/<int:user_id>/usun")
@login_required
def remove(network_id, user_id):
    network = _load(network_id, "network.invite")
    if networks.remove_member(network, user_id):
        flash("Usunięto osobę z sieci.", "success")
    return redirect(url_for(".members", network_id=network.id))


@bp.get("/sieci/<int:network_id>/postep/<int:jst_id>")
@login_required
def progress(network_id, jst_id):
    network = _load(network_id)
    if network.kind != "monitoring":
        abort(404)
    jst = networks.network_jst(network, jst_id) or abort(404)
    periods = programme.periods(jst)
    period = _period(periods)
    return render_template(
        "networks/progress.html",
        network=network,
        jst=jst,
        period=period,
        periods=periods,
        rows=networks.jst_progress(jst, period),
        statuses=PROGRESS_STATUS,
    )
