from django.db.models import Count

from municipalities.models import Municipality


def test_all_33_eligible_bodies_are_loaded(db):
    assert Municipality.objects.count() == 33


def test_bodies_are_21_landkreise_5_kreisfreie_staedte_and_7_sonderstatusstaedte(db):
    counts = dict(Municipality.objects.values_list("kind").annotate(n=Count("pk")))
    assert counts == {
        Municipality.Kind.LANDKREIS: 21,
        Municipality.Kind.KREISFREIE_STADT: 5,
        Municipality.Kind.SONDERSTATUSSTADT: 7,
    }


def test_every_body_has_a_unique_eight_digit_ags(db):
    keys = list(Municipality.objects.values_list("ags", flat=True))
    assert len(set(keys)) == 33
    assert all(len(key) == 8 and key.isdigit() for key in keys)


def test_werra_meissner_kreis_notices_go_to_its_kreisausschuss(db):
    body = Municipality.objects.get(name="Werra-Meißner-Kreis")
    assert body.kind == Municipality.Kind.LANDKREIS
    assert body.recipient_body == "Kreisausschuss des Werra-Meißner-Kreises"
    assert body.address_lines[0] == "Kreisausschuss des Werra-Meißner-Kreises"


def test_werra_meissner_kreis_is_under_verwaltungsgericht_kassel(db):
    body = Municipality.objects.select_related("administrative_court").get(name="Werra-Meißner-Kreis")
    assert body.administrative_court.name == "Verwaltungsgericht Kassel"
    assert str(body.administrative_court) == "Verwaltungsgericht Kassel"


def test_cities_are_addressed_to_their_magistrat(db):
    assert Municipality.objects.get(name="Wiesbaden").recipient_body == "Magistrat der Landeshauptstadt Wiesbaden"


def test_hanau_keeps_the_note_on_its_change_of_status(db):
    hanau = Municipality.objects.get(name="Hanau")
    assert "kreisfrei since 2026-01-01" in hanau.note
    assert "Sonderstatusstadt" in hanau.note
