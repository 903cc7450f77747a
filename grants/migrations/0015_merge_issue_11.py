# Joins the migrations of issue 11's branches (hearing answers as stored files, list indexes,
# TRUNCATE guard, a repayment booked once).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("grants", "0013_d_hearing_answer_file"),
        ("grants", "0013_e_list_indexes"),
        ("grants", "0014_g_repayment_once"),
    ]

    operations = []
