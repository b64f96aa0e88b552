import type { Project, SiteOwner, SiteOwnerDocument, SiteOwnerInvitation, User } from '@csms/domain';
import type {
  DocumentView,
  OnboardingStage,
  OnboardingStatusView,
  OnboardingStep,
  SiteOwnerInvitationView,
  SiteOwnerProfileView,
  SiteOwnerProjectView,
} from './dto/site-owner.dto';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Where a site owner is: steps done in order, then submission, then the operator's decision. */
export function onboardingStatus(owner: SiteOwner, documentCount: number): OnboardingStatusView {
  const done: Record<OnboardingStep, boolean> = {
    profile: owner.profileCompletedAt !== null,
    bank_details: owner.bankDetailsCompletedAt !== null,
    documents: documentCount > 0,
    approval: owner.status === 'active',
  };
  const completed = (Object.keys(done) as OnboardingStep[]).filter((s) => done[s]);
  const pending = (Object.keys(done) as OnboardingStep[]).filter((s) => !done[s]);
  let stage: OnboardingStage;
  if (owner.status === 'active') stage = 'active';
  else if (owner.status === 'approval_pending') stage = 'approval_pending';
  else if (!done.profile) stage = 'profile_pending';
  else if (!done.bank_details) stage = 'bank_details_pending';
  else if (!done.documents) stage = 'documents_pending';
  else if (owner.status === 'rejected') stage = 'rejected';
  else stage = 'submission_pending';
  return { stage, completed_steps: completed, pending_steps: pending };
}

export function toSiteOwnerView(owner: SiteOwner, user: User, documentCount: number): SiteOwnerProfileView {
  return {
    id: owner.id,
    organization_id: owner.organizationId,
    user_id: owner.userId,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    status: owner.status,
    stage: onboardingStatus(owner, documentCount).stage,
    company_name: owner.companyName,
    contact_name: owner.contactName,
    contact_phone: owner.contactPhone,
    address: owner.address,
    tax_id: owner.taxId,
    bank_details:
      owner.ibanLast4 && owner.accountHolder
        ? { iban_last4: owner.ibanLast4, account_holder: owner.accountHolder }
        : null,
    submitted_at: iso(owner.submittedAt),
    approved_at: iso(owner.approvedAt),
    rejected_at: iso(owner.rejectedAt),
    rejection_reason: owner.rejectionReason,
    created_at: owner.createdAt.toISOString(),
  };
}

export function toDocumentView(doc: SiteOwnerDocument): DocumentView {
  return {
    id: doc.id,
    file_name: doc.fileName,
    content_type: doc.contentType,
    size_bytes: doc.sizeBytes,
    sha256: doc.sha256,
    uploaded_at: doc.createdAt.toISOString(),
  };
}

export function toSiteOwnerProjectView(project: Project, chargePointCount: number): SiteOwnerProjectView {
  return { id: project.id, name: project.name, charge_point_count: chargePointCount, status: project.status };
}

export function toSiteOwnerInvitationView(inv: SiteOwnerInvitation, now: number): SiteOwnerInvitationView {
  return {
    id: inv.id,
    email: inv.email,
    company_name: inv.companyName,
    project_ids: inv.projectIds,
    status: inv.status === 'pending' && inv.expiresAt.getTime() <= now ? 'expired' : inv.status,
    expires_at: inv.expiresAt.toISOString(),
    created_at: inv.createdAt.toISOString(),
  };
}
