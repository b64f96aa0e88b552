import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig, Clock, Problems, isUniqueViolation, newId } from '@csms/common';
import { Membership, Organization, User, UserKind, UserToken } from '@csms/domain';
import {
  AuthContext,
  AuthenticationService,
  DUMMY_PASSWORD_HASH,
  TOKEN_PREFIX,
  generateToken,
  hashPassword,
  hashToken,
  verifyPassword,
} from '@csms/auth';
import { OrganizationProvisioningService } from '../organizations/organization-provisioning.service';
import { SignupDto } from './dto/signup.dto';
import { LoginLimiterService } from './login-limiter.service';
import { MeResponse, SignupResponse, TokenResponse, UserView } from './dto/responses.dto';

export function toUserView(user: User): UserView {
  return {
    user_id: user.id,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    name: `${user.firstName} ${user.lastName}`.trim(),
    kind: user.kind,
    created_at: user.createdAt.toISOString(),
  };
}

export interface NewUser {
  email: string;
  password: string;
  firstName: string;
  lastName: string;
  kind?: UserKind;
}

@Injectable()
export class IdentityService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
    private readonly limiter: LoginLimiterService,
    private readonly provisioning: OrganizationProvisioningService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly authentication: AuthenticationService,
  ) {}

  /** Creates a user; 409 `email_taken` when the address (case-insensitively) is already registered. */
  async createUser(manager: EntityManager, input: NewUser): Promise<User> {
    const user = manager.create(User, {
      id: newId('usr'),
      email: input.email,
      passwordHash: await hashPassword(input.password),
      firstName: input.firstName,
      lastName: input.lastName,
      kind: input.kind ?? 'staff',
    });
    try {
      await manager.insert(User, user);
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw Problems.conflict('email_taken', 'An account with this email already exists');
      }
      throw err;
    }
    return manager.findOneByOrFail(User, { id: user.id });
  }

  /**
   * Creates the account of a person accepting an invitation without signing in; an existing account for
   * the email must sign in and accept instead (409 `email_taken`).
   */
  async createInvitedUser(manager: EntityManager, input: NewUser): Promise<User> {
    const exists = await manager
      .getRepository(User)
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email: input.email })
      .getExists();
    if (exists) {
      throw Problems.conflict(
        'email_taken',
        'An account with this email already exists: sign in and accept the invitation with your token',
      );
    }
    return this.createUser(manager, input);
  }

  /** Issues a new bearer token for a user. */
  async issueToken(manager: EntityManager, user: User): Promise<TokenResponse> {
    const token = generateToken(TOKEN_PREFIX.userToken);
    const expiresAt = new Date(this.clock.nowMs() + this.config.auth.userTokenTtlHours * 3600_000);
    await manager.insert(UserToken, {
      id: newId('tok'),
      userId: user.id,
      tokenHash: hashToken(token),
      expiresAt,
    });
    return { token, token_type: 'Bearer', expires_at: expiresAt.toISOString(), user: toUserView(user) };
  }

  async signup(dto: SignupDto): Promise<SignupResponse> {
    return this.db.transaction(async (manager) => {
      const user = await this.createUser(manager, {
        email: dto.email,
        password: dto.password,
        firstName: dto.first_name,
        lastName: dto.last_name,
      });
      const organization = await this.provisioning.create(
        manager,
        { name: dto.organization_name, country: dto.country, contactEmail: dto.email },
        user.id,
      );
      const token = await this.issueToken(manager, user);
      return {
        ...token,
        organization: {
          id: organization.id,
          organization_id: organization.id,
          name: organization.name,
          slug: organization.slug,
          country: organization.country,
          contact_email: organization.contactEmail,
          created_at: organization.createdAt.toISOString(),
        },
      };
    });
  }

  async login(email: string, password: string, ip: string): Promise<TokenResponse> {
    await this.limiter.assertAllowed(email, ip);
    const user = await this.db
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('lower(u.email) = lower(:email)', { email })
      .getOne();
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!user || !ok) {
      await this.limiter.recordFailure(email, ip);
      throw Problems.unauthorized('Wrong email or password');
    }
    await this.limiter.reset(email, ip);
    return this.issueToken(this.db.manager, user);
  }

  async logout(auth: AuthContext): Promise<void> {
    if (auth.principal.kind !== 'user') return;
    await this.db
      .getRepository(UserToken)
      .update({ id: auth.principal.tokenId }, { revokedAt: this.clock.now() });
    await this.authentication.revoked(auth.principal.tokenId);
  }

  async me(auth: AuthContext): Promise<MeResponse> {
    if (auth.principal.kind === 'api_key') {
      return {
        api_key: {
          id: auth.principal.keyId,
          organization_id: auth.principal.organizationId,
          scopes: auth.principal.scopes,
        },
      };
    }
    const user = await this.db.getRepository(User).findOneByOrFail({ id: auth.principal.userId });
    const memberships = await this.db
      .getRepository(Membership)
      .createQueryBuilder('m')
      .innerJoinAndMapOne('m.organization', Organization, 'o', 'o.id = m.organization_id')
      .where('m.user_id = :userId', { userId: user.id })
      .orderBy('m.created_at', 'ASC')
      .getMany();
    return {
      user: toUserView(user),
      memberships: memberships.map((m) => ({
        organization_id: m.organizationId,
        organization_name: m.organization!.name,
        slug: m.organization!.slug,
        role: m.role,
        joined_at: m.createdAt.toISOString(),
      })),
    };
  }
}
