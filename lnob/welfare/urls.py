from django.urls import path

from lnob.welfare import views
from lnob.welfare.funds import views as funds

urlpatterns = [
    path("", views.counts_page, name="welfare_counts"),
    path("schemes/", views.scheme_list, name="welfare_schemes"),
    path("to-refer/", views.to_refer_list, name="welfare_to_refer"),
    path("person/<int:pk>/", views.person_welfare, name="welfare_person"),
    path("person/<int:pk>/facts/", views.facts_save, name="welfare_facts"),
    path("person/<int:pk>/benefits/", views.benefit_save, name="welfare_benefit"),
    path("person/<int:pk>/referrals/", views.referral_new, name="welfare_referral_new"),
    path("benefits/<int:pk>/end/", views.benefit_end, name="welfare_benefit_end"),
    path("referrals/<int:pk>/step/", views.referral_step, name="welfare_referral_step"),
    path("referrals/<int:pk>/letter/", views.referral_letter, name="welfare_referral_letter"),
    path("referrals/<int:pk>/letter.pdf", views.referral_letter_pdf,
         name="welfare_referral_letter_pdf"),
    path("funds/", funds.fund_list, name="welfare_funds"),
    path("funds/<int:pk>/", funds.fund_page, name="welfare_fund"),
    path("funds/<int:pk>/members/", funds.member_add, name="welfare_fund_member_add"),
    path("funds/<int:pk>/members.<str:fmt>", funds.members_export,
         name="welfare_fund_members_export"),
    path("funds/<int:pk>/contributions/", funds.contributions, name="welfare_fund_contributions"),
    path("funds/<int:pk>/benefits/", funds.benefit_pay, name="welfare_fund_benefit"),
    path("funds/<int:pk>/rates/", funds.rate_set, name="welfare_fund_rate"),
    path("funds/members/<int:pk>/leave/", funds.member_leave, name="welfare_fund_member_leave"),
]
