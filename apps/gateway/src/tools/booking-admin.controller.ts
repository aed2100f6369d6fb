import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { TenantRepository } from '@voxgate/tenancy';
import {
  type AddBookingSlotsInput,
  AddBookingSlotsInputSchema,
  BookingResourceIdSchema,
  type ListBookingSlotsQuery,
  ListBookingSlotsQuerySchema,
  type UpsertBookingResourceInput,
  UpsertBookingResourceInputSchema,
} from '@voxgate/tools';
import { AdminGuard } from '../auth/admin.guard';
import { ZodBody } from '../http/zod-body.pipe';
import { ZodParam } from '../http/zod-param.pipe';
import { tenantMustExist } from './tenant-must-exist';
import { GatewayTools } from './tools-runtime.provider';

const list = <T>(data: T[]) => ({ object: 'list' as const, data });

/**
 * Ops: the built-in `booking` module's data of a tenant — resources, their time slots (capacity, what is
 * booked, who booked), and cancelling a booking on a customer's behalf.
 */
@Controller('admin/tenants/:tenantId/booking')
@UseGuards(AdminGuard)
export class BookingAdminController {
  constructor(
    private readonly tools: GatewayTools,
    private readonly tenants: TenantRepository,
  ) {}

  private get builtins() {
    return this.tools.runtime.builtins;
  }

  @Get('resources')
  async listResources(@Param('tenantId') tenantId: string) {
    await tenantMustExist(this.tenants, tenantId);
    return list(await this.builtins.listBookingResources.execute(tenantId));
  }

  /** Creates or renames a resource; `slots` are added (or resized, keeping their bookings). */
  @Put('resources/:resourceId')
  async upsertResource(
    @Param('tenantId') tenantId: string,
    @Param('resourceId', new ZodParam(BookingResourceIdSchema, 'resource_id')) resourceId: string,
    @Body(new ZodBody(UpsertBookingResourceInputSchema)) input: UpsertBookingResourceInput,
  ) {
    await tenantMustExist(this.tenants, tenantId);
    return this.builtins.upsertBookingResource.execute(tenantId, resourceId, input);
  }

  @Post('resources/:resourceId/slots')
  @HttpCode(201)
  async addSlots(
    @Param('tenantId') tenantId: string,
    @Param('resourceId') resourceId: string,
    @Body(new ZodBody(AddBookingSlotsInputSchema)) input: AddBookingSlotsInput,
  ) {
    await tenantMustExist(this.tenants, tenantId);
    return list(await this.builtins.addBookingSlots.execute(tenantId, resourceId, input));
  }

  /** `?from=&to=` (ISO 8601 slot starts) and `limit` (default 200): slots with availability and bookings. */
  @Get('resources/:resourceId/slots')
  async listSlots(
    @Param('tenantId') tenantId: string,
    @Param('resourceId') resourceId: string,
    @Query(new ZodBody(ListBookingSlotsQuerySchema)) query: ListBookingSlotsQuery,
  ) {
    await tenantMustExist(this.tenants, tenantId);
    return list(await this.builtins.listBookingSlots.execute(tenantId, resourceId, query));
  }

  @Get('bookings/:bookingId')
  async getBooking(@Param('tenantId') tenantId: string, @Param('bookingId') bookingId: string) {
    await tenantMustExist(this.tenants, tenantId);
    return this.builtins.getBooking.execute(tenantId, bookingId);
  }

  /** Frees the booking's place; cancelling again answers the same cancelled booking. */
  @Post('bookings/:bookingId/cancel')
  @HttpCode(200)
  async cancelBooking(@Param('tenantId') tenantId: string, @Param('bookingId') bookingId: string) {
    await tenantMustExist(this.tenants, tenantId);
    return this.builtins.cancelBooking.execute(tenantId, bookingId);
  }
}
